"""The llama.cpp runtime the Makefile built: for this machine's CPU, AMX included where it has it.

The Makefile patches llama.cpp's AMX kernel (patches/llama-cpp-amx-tile-config.patch) instead
of building without AMX; the real-model tests then run that kernel on CPUs with `amx_int8`.
"""

from __future__ import annotations

from pathlib import Path

import llama_cpp


def cpu_flags() -> set[str]:
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.exists():
        return set()
    for line in cpuinfo.read_text().splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def test_the_runtime_uses_amx_exactly_where_the_cpu_has_it() -> None:
    features = llama_cpp.llama_print_system_info().decode()
    assert ("AMX_INT8 = 1" in features) == ("amx_int8" in cpu_flags()), features

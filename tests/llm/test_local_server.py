"""The local model server's environment: a short OpenMP spin unless the operator set one."""

from __future__ import annotations

from service.llm.local_server import OPENMP_SPIN_TURNS, server_environment


def test_the_server_gets_a_short_openmp_spin_and_the_rest_of_the_environment() -> None:
    environment = server_environment({"PATH": "/bin", "OMP_WAIT_POLICY": "PASSIVE"})
    assert environment == {
        "GOMP_SPINCOUNT": str(OPENMP_SPIN_TURNS),
        "PATH": "/bin",
        "OMP_WAIT_POLICY": "PASSIVE",
    }


def test_an_operators_spin_count_is_kept() -> None:
    assert server_environment({"GOMP_SPINCOUNT": "0"})["GOMP_SPINCOUNT"] == "0"

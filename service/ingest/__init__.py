"""Getting documents in: loaders for every format, chunking, the library, bulk jobs, seeding."""

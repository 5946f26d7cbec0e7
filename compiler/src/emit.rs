//! Emitters: the documents `ismsc build` writes, through serialisable DTOs.

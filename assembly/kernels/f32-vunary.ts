// Kernel family file (see assembly/index.ts).

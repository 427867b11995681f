"""Facts about the libraries the PY and FS rules look at, as data: one module per library."""

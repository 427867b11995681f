"""One parser per file kind, each returning a document that can locate what rules report."""

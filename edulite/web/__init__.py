"""One blueprint per audience; views are glue: parse, call services or queries, render."""

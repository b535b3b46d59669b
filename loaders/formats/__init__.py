"""One module per kind of file: bytes in, RawArticle records and Problems out."""

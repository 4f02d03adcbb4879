"""TMX 1.4b: streaming writer, safe reader, validation."""

"""TMX 1.4b: streaming writer, safe reader, validation.

Entry points: ``tmx.write.write_tmx``/``alignment_tus``, ``tmx.read.iter_tus``/
``read_header``, ``tmx.validate.validate``, ``tmx.merge.merge_tmx``,
``tmx.langcodes.convert``.
"""

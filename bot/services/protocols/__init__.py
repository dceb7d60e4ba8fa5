"""Protocols (cl. 14-15), one job a module:

- `record`: what a protocol says and where it stands (content, consents, what a signature
  still needs, what the viewer may do), the listing and the DOCX; the others build on it;
- `drafting`: the secretariat writes it item by item, each save a version bound by its hash,
  and sends a version out for consent;
- `consent`: members consent orally or object; objections are settled at conciliation
  meetings;
- `signing`: the presiding person signs; the document is frozen and distributed.
"""

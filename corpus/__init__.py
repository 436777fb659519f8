"""Getting Ofsted's documents and turning them into letters.

Source (site or file) → document (bytes and where they came from) → letter (text and metadata) → store.
"""

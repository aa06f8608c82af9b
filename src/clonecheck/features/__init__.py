"""Pure functions over decoded inputs: photo hashes, face embeddings, name keys."""

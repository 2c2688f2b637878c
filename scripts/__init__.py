"""Build scripts for the generated data files (each says in its header how to rerun it)."""

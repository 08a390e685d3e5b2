"""The notebook widgets (ipywidgets): cookie builder (01), session viewer (03), JWT inspector (04)."""

"""Widget wiring for the notebooks: controls → analysis function → chart → FigureWidget."""

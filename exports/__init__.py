"""PDF, DOCX, XLSX and bundle exporters."""

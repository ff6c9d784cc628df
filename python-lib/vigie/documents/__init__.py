"""Document understanding: OCR, document typing, field extraction, consistency checks and the watchlist."""

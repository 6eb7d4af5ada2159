"""The EDA-style court data file: layout (schemas/eda-layout.json), writer, parser, eda checks, EDA-ID ledger, export."""

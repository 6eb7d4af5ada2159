"""Tables as data (JSON, each with its source), read through formsvc.resources."""

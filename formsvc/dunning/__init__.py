"""Dunning runs (shared/spec/dunning.md): procedures as data, the proposal that simulates a run, the run.

- :mod:`.procedures`  the procedure file (shipped default plus ``FORMSVC_DUNNING_PROCEDURES``), checked
                      against ``schemas/dunning-procedures.schema.json`` and loaded into typed records
- :mod:`.parties`     the debtor and creditor keys that consolidation groups by
- :mod:`.proposal`    ``propose(cases, date, settings)``: one action per case, no side effect
- :mod:`.run`         ``run_proposal(...)``: produce a named proposal exactly once, with its run record

The package is Flask-free; :mod:`formsvc.views.dunning` and :mod:`formsvc.commands.dunning` wrap it.
This module imports nothing, so that the validator may use :mod:`.procedures` without loading the
proposal (which itself uses the validator).
"""

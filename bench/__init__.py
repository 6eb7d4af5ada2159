"""formsvc benchmark: ``python -m bench`` (or ``./dev bench``).

Each module ``bench/<family>.py`` has ``run(quick: bool) -> list[Result]``;
targets come from ../shared/spec/quality.md and every comparison is against a
baseline measured in the same run, so a noisy machine slows both sides alike.
"""

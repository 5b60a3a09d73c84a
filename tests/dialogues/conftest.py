from tests.dialogues.histories import bank_case, banks  # noqa: F401 (fixtures)

# the dialogue fixtures (a module defining its own ``banks`` fixture overrides this one)
from tests.dialogues.histories import bank_case, banks  # noqa: F401 (fixtures)

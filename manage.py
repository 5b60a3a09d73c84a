#!/usr/bin/env python
"""Django's command-line utility for THADS."""
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thads.settings.base")
    from django.core.management import execute_from_command_line

    from thads.audit.context import Source, set_source

    set_source(Source.COMMAND)  # writes made by a command are recorded as such (requests set their own)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

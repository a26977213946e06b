"""The file formats a meeting's agenda exports to (office/agenda_export.py makes them).

Apart from the export itself so that the command line's parser, built on every `officebot` call
(`officebot ask` included), can offer them without loading the database layer.

    "docx" in FORMATS   # True
"""

FORMATS = ("md", "docx", "csv")

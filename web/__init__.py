"""The office's web console (issue 14): `officebot web`, server-rendered pages over the office/ operations."""

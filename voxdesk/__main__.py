"""``python -m voxdesk`` starts the GUI."""
from voxdesk.gui.app import main

raise SystemExit(main())

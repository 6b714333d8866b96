from voxdesk.cli import main

raise SystemExit(main())

from voxdesk.cli import main

if __name__ == "__main__":  # not when a spawned worker (the demo's phantom makers) imports it
    raise SystemExit(main())

from cchc_bot.cli import main

raise SystemExit(main())

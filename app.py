"""IWG Bot's entry point: `python app.py` picks Socket Mode, HTTP or the console from the environment."""

from bot.run.modes import main

if __name__ == "__main__":
    main()

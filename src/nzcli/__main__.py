"""`python -m nzcli`."""

from nzcli.cli.main import main

if __name__ == "__main__":
    main()

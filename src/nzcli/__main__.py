"""`python -m nzcli`."""

from nzcli.entry import main

if __name__ == "__main__":
    main(prog_name="nzcli")

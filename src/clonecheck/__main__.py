from clonecheck.cli import main

main()

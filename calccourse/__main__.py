from calccourse.cli import main

main()

from agorascope.cli import main

main()

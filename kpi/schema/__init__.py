"""The canonical datasets as data: columns, aliases and the rules of each dataset."""

"""Basic public services and their equalization (基本公共服务均等化): coverage and the composite
ranking of villages (figures), accessibility of facilities (accessibility), inequality indices and
their decompositions (equity), TOPSIS and its normalizations (composite), and the national norms a
village is held to (norms). Import the module you need; this file imports nothing, so a module
below (equity, composite …) can be imported alone."""

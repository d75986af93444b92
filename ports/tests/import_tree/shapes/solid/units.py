NAME = "cm"

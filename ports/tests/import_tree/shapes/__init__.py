print("shapes package")

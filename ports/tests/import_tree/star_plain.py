plain_public = "public"
_plain_private = "private"

from ... import util

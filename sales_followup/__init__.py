from . import models
from . import wizards
from . import controllers  # complaints portal (issue 6)

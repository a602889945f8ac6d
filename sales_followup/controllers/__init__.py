from . import portal
from . import return_portal
from . import rating

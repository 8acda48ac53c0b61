// libyaml's document API (yaml_parser_load): nodes carry 0-based line/column marks.
#include <yaml.h>

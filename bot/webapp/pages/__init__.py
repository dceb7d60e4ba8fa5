"""The Mini App's sections: each module has `routes`, its views and API calls."""

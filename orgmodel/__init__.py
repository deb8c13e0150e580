"""orgmodel: public-security organisations (公安机关) as graphs."""

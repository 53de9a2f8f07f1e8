"""Seed data: a curated core of real, well-known books, then reproducible synthetic ones.

The curated ISBNs are those of real editions (their check digits are verified by the
tests). Synthetic books are plausible (titles, authors, publishers, prices and years in
English and Spanish, valid ISBN check digits) and depend only on the seed.
"""

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from catalog.isbn import isbn13_check_digit, to_isbn13


class CuratedBook(NamedTuple):
    isbn: str
    title: str
    author: str
    editorial: str
    category: str
    language: str
    publication_year: int
    pages: int


CURATED_BOOKS: tuple[CuratedBook, ...] = (
    CuratedBook("9780399590504", "Educated", "Tara Westover", "Random House", "Biography", "en", 2018, 352),
    CuratedBook(
        "9780156012195", "The Little Prince", "Antoine de Saint-Exupéry", "Harcourt", "Children", "en", 1943, 96
    ),
    CuratedBook("9780451526342", "Animal Farm", "George Orwell", "Signet Classics", "Classics", "en", 1945, 140),
    CuratedBook("9780141441146", "Jane Eyre", "Charlotte Brontë", "Penguin Classics", "Classics", "en", 1847, 624),
    CuratedBook("9780399501487", "Lord of the Flies", "William Golding", "Perigee", "Classics", "en", 1954, 224),
    CuratedBook("9780142437247", "Moby-Dick", "Herman Melville", "Penguin Classics", "Classics", "en", 1851, 720),
    CuratedBook("9780140177398", "Of Mice and Men", "John Steinbeck", "Penguin Books", "Classics", "en", 1937, 112),
    CuratedBook("9780141439518", "Pride and Prejudice", "Jane Austen", "Penguin Classics", "Classics", "en", 1813, 480),
    CuratedBook(
        "9780316769488",
        "The Catcher in the Rye",
        "J. D. Salinger",
        "Little, Brown and Company",
        "Classics",
        "en",
        1951,
        277,
    ),
    CuratedBook(
        "9780143039433", "The Grapes of Wrath", "John Steinbeck", "Penguin Classics", "Classics", "en", 1939, 464
    ),
    CuratedBook("9780743273565", "The Great Gatsby", "F. Scott Fitzgerald", "Scribner", "Classics", "en", 1925, 180),
    CuratedBook(
        "9780061120084", "To Kill a Mockingbird", "Harper Lee", "Harper Perennial", "Classics", "en", 1960, 336
    ),
    CuratedBook(
        "9780547928227", "The Hobbit", "J. R. R. Tolkien", "Houghton Mifflin Harcourt", "Fantasy", "en", 1937, 300
    ),
    CuratedBook(
        "9780544003415",
        "The Lord of the Rings",
        "J. R. R. Tolkien",
        "Houghton Mifflin Harcourt",
        "Fantasy",
        "en",
        1954,
        1216,
    ),
    CuratedBook("9780756404741", "The Name of the Wind", "Patrick Rothfuss", "DAW", "Fantasy", "en", 2007, 672),
    CuratedBook("9781400033416", "Beloved", "Toni Morrison", "Vintage", "Fiction", "en", 1987, 324),
    CuratedBook(
        "9780060883287",
        "One Hundred Years of Solitude",
        "Gabriel García Márquez",
        "Harper Perennial",
        "Fiction",
        "en",
        1967,
        417,
    ),
    CuratedBook("9780062315007", "The Alchemist", "Paulo Coelho", "HarperOne", "Fiction", "en", 1988, 208),
    CuratedBook("9781594631931", "The Kite Runner", "Khaled Hosseini", "Riverhead Books", "Fiction", "en", 2003, 400),
    CuratedBook("9780307387899", "The Road", "Cormac McCarthy", "Vintage", "Fiction", "en", 2006, 287),
    CuratedBook(
        "9780062316097",
        "Sapiens: A Brief History of Humankind",
        "Yuval Noah Harari",
        "Harper",
        "History",
        "en",
        2011,
        464,
    ),
    CuratedBook("9780141439471", "Frankenstein", "Mary Shelley", "Penguin Classics", "Horror", "en", 1818, 352),
    CuratedBook("9780307743657", "The Shining", "Stephen King", "Anchor", "Horror", "en", 1977, 688),
    CuratedBook(
        "9780062073488", "And Then There Were None", "Agatha Christie", "William Morrow", "Mystery", "en", 1939, 272
    ),
    CuratedBook(
        "9780062693662", "Murder on the Orient Express", "Agatha Christie", "William Morrow", "Mystery", "en", 1934, 288
    ),
    CuratedBook(
        "9780143034902", "The Shadow of the Wind", "Carlos Ruiz Zafón", "Penguin Books", "Mystery", "en", 2001, 487
    ),
    CuratedBook(
        "9780374533557",
        "Thinking, Fast and Slow",
        "Daniel Kahneman",
        "Farrar, Straus and Giroux",
        "Psychology",
        "en",
        2011,
        512,
    ),
    CuratedBook("9780553380163", "A Brief History of Time", "Stephen Hawking", "Bantam", "Science", "en", 1988, 212),
    CuratedBook(
        "9780465026562", "Gödel, Escher, Bach", "Douglas R. Hofstadter", "Basic Books", "Science", "en", 1979, 777
    ),
    CuratedBook("9780451524935", "1984", "George Orwell", "Signet Classics", "Science Fiction", "en", 1949, 328),
    CuratedBook(
        "9780060850524", "Brave New World", "Aldous Huxley", "Harper Perennial", "Science Fiction", "en", 1932, 288
    ),
    CuratedBook("9780441172719", "Dune", "Frank Herbert", "Ace", "Science Fiction", "en", 1965, 896),
    CuratedBook(
        "9781451673319", "Fahrenheit 451", "Ray Bradbury", "Simon & Schuster", "Science Fiction", "en", 1953, 256
    ),
    CuratedBook("9780553293357", "Foundation", "Isaac Asimov", "Bantam Spectra", "Science Fiction", "en", 1951, 255),
    CuratedBook("9780441569595", "Neuromancer", "William Gibson", "Ace", "Science Fiction", "en", 1984, 271),
    CuratedBook(
        "9780385490818", "The Handmaid's Tale", "Margaret Atwood", "Anchor", "Science Fiction", "en", 1985, 311
    ),
    CuratedBook(
        "9780345391803",
        "The Hitchhiker's Guide to the Galaxy",
        "Douglas Adams",
        "Del Rey",
        "Science Fiction",
        "en",
        1979,
        224,
    ),
    CuratedBook("9780553418026", "The Martian", "Andy Weir", "Crown", "Science Fiction", "en", 2011, 384),
    CuratedBook("9780735211292", "Atomic Habits", "James Clear", "Avery", "Self-Help", "en", 2018, 320),
    CuratedBook(
        "9780062457714", "The Subtle Art of Not Giving a F*ck", "Mark Manson", "HarperOne", "Self-Help", "en", 2016, 224
    ),
    CuratedBook("9780132350884", "Clean Code", "Robert C. Martin", "Prentice Hall", "Technology", "en", 2008, 464),
    CuratedBook("9780201633610", "Design Patterns", "Erich Gamma", "Addison-Wesley", "Technology", "en", 1994, 395),
    CuratedBook(
        "9780135957059", "The Pragmatic Programmer", "David Thomas", "Addison-Wesley", "Technology", "en", 2019, 352
    ),
    CuratedBook("9780307588371", "Gone Girl", "Gillian Flynn", "Crown", "Thriller", "en", 2012, 432),
    CuratedBook("9780307474278", "The Da Vinci Code", "Dan Brown", "Anchor", "Thriller", "en", 2003, 597),
    CuratedBook(
        "9780307454546", "The Girl with the Dragon Tattoo", "Stieg Larsson", "Vintage", "Thriller", "en", 2005, 672
    ),
    CuratedBook(
        "9780590353427",
        "Harry Potter and the Sorcerer's Stone",
        "J. K. Rowling",
        "Scholastic",
        "Young Adult",
        "en",
        1997,
        309,
    ),
    CuratedBook("9780375842207", "The Book Thief", "Markus Zusak", "Knopf", "Young Adult", "en", 2005, 552),
    CuratedBook("9780525478812", "The Fault in Our Stars", "John Green", "Dutton", "Young Adult", "en", 2012, 313),
    CuratedBook(
        "9780544336261", "The Giver", "Lois Lowry", "HMH Books for Young Readers", "Young Adult", "en", 1993, 240
    ),
    CuratedBook("9780439023528", "The Hunger Games", "Suzanne Collins", "Scholastic", "Young Adult", "en", 2008, 374),
    CuratedBook("9780316015844", "Twilight", "Stephenie Meyer", "Little, Brown", "Young Adult", "en", 2005, 544),
    CuratedBook("9788478887194", "El principito", "Antoine de Saint-Exupéry", "Salamandra", "Children", "es", 1943, 96),
    CuratedBook(
        "9788420412146", "Don Quijote de la Mancha", "Miguel de Cervantes", "Alfaguara", "Classics", "es", 1605, 1376
    ),
    CuratedBook("9788420633114", "El Aleph", "Jorge Luis Borges", "Alianza Editorial", "Classics", "es", 1949, 176),
    CuratedBook("9788437604183", "Pedro Páramo", "Juan Rulfo", "Cátedra", "Classics", "es", 1955, 200),
    CuratedBook(
        "9788445000663", "El Señor de los Anillos", "J. R. R. Tolkien", "Minotauro", "Fantasy", "es", 1954, 1392
    ),
    CuratedBook(
        "9788401337208", "El nombre del viento", "Patrick Rothfuss", "Plaza & Janés", "Fantasy", "es", 2007, 880
    ),
    CuratedBook(
        "9780307474728", "Cien años de soledad", "Gabriel García Márquez", "Vintage Español", "Fiction", "es", 1967, 496
    ),
    CuratedBook(
        "9781400034956",
        "Crónica de una muerte anunciada",
        "Gabriel García Márquez",
        "Vintage Español",
        "Fiction",
        "es",
        1981,
        128,
    ),
    CuratedBook(
        "9780307387264",
        "El amor en los tiempos del cólera",
        "Gabriel García Márquez",
        "Vintage Español",
        "Fiction",
        "es",
        1985,
        496,
    ),
    CuratedBook("9788423342518", "Lo que esconde tu nombre", "Clara Sánchez", "Destino", "Fiction", "es", 2010, 512),
    CuratedBook("9788490663196", "Patria", "Fernando Aramburu", "Tusquets Editores", "Fiction", "es", 2016, 648),
    CuratedBook("9788437604572", "Rayuela", "Julio Cortázar", "Cátedra", "Fiction", "es", 1963, 752),
    CuratedBook(
        "9788499926223", "Sapiens. De animales a dioses", "Yuval Noah Harari", "Debate", "History", "es", 2011, 496
    ),
    CuratedBook("9788408163435", "La sombra del viento", "Carlos Ruiz Zafón", "Planeta", "Mystery", "es", 2001, 576),
    CuratedBook("9788499890944", "1984", "George Orwell", "Debolsillo", "Science Fiction", "es", 1949, 352),
    CuratedBook(
        "9788498382662",
        "Harry Potter y la piedra filosofal",
        "J. K. Rowling",
        "Salamandra",
        "Young Adult",
        "es",
        1997,
        256,
    ),
)

CATEGORIES = (
    "Fiction",
    "Classics",
    "Mystery",
    "Thriller",
    "Science Fiction",
    "Fantasy",
    "Horror",
    "Romance",
    "Young Adult",
    "Children",
    "History",
    "Biography",
    "Science",
    "Technology",
    "Psychology",
    "Self-Help",
    "Business",
    "Philosophy",
    "Poetry",
    "Travel",
    "Cooking",
    "Art",
)
# Languages of synthetic books, weighted towards the shop's two main languages.
LANGUAGE_WEIGHTS = {"en": 55, "es": 35, "fr": 4, "pt": 3, "it": 2, "de": 1}
# Registration groups that make a synthetic ISBN look like it came from that language area.
ISBN_GROUPS = {"en": ("0", "1"), "es": ("84",), "fr": ("2",), "pt": ("85",), "it": ("88",), "de": ("3",)}
SYNTHETIC_AUTHORS = 250  # a bounded pool: real catalogues have many books per author

FIRST_NAMES = {
    "en": (
        "Emma",
        "Oliver",
        "Charlotte",
        "James",
        "Amelia",
        "Henry",
        "Grace",
        "Samuel",
        "Alice",
        "Thomas",
        "Margaret",
        "Daniel",
        "Eleanor",
        "Jack",
        "Ruth",
        "Arthur",
        "Helen",
        "Edward",
        "Clara",
        "Peter",
    ),
    "es": (
        "Lucía",
        "Mateo",
        "Carmen",
        "Javier",
        "Elena",
        "Diego",
        "Isabel",
        "Pablo",
        "Marta",
        "Andrés",
        "Pilar",
        "Sergio",
        "Rosa",
        "Alejandro",
        "Inés",
        "Fernando",
        "Teresa",
        "Álvaro",
        "Beatriz",
        "Tomás",
    ),
}
LAST_NAMES = {
    "en": (
        "Whitaker",
        "Hale",
        "Morrison",
        "Ashford",
        "Bennett",
        "Caldwell",
        "Harper",
        "Lowell",
        "Prescott",
        "Sinclair",
        "Thornton",
        "Winslow",
        "Fairchild",
        "Goodwin",
        "Kendall",
        "Mercer",
        "Radcliffe",
        "Stanton",
    ),
    "es": (
        "García",
        "Fernández",
        "Montero",
        "Iglesias",
        "Navarro",
        "Serrano",
        "Castillo",
        "Ortega",
        "Delgado",
        "Vidal",
        "Márquez",
        "Herrera",
        "Robles",
        "Cabrera",
        "Salinas",
        "Aguirre",
        "Benítez",
        "Olmedo",
    ),
}
PUBLISHERS = {
    "en": (
        "Penguin Books",
        "Vintage",
        "HarperCollins",
        "Simon & Schuster",
        "Macmillan",
        "Bloomsbury",
        "Faber & Faber",
        "Hachette",
        "Scribner",
        "Knopf",
    ),
    "es": (
        "Anagrama",
        "Alfaguara",
        "Planeta",
        "Tusquets Editores",
        "Seix Barral",
        "Debolsillo",
        "Salamandra",
        "Destino",
        "Siruela",
        "Acantilado",
    ),
}
TITLE_WORDS = {
    "en": {
        "adjectives": (
            "Silent",
            "Hidden",
            "Last",
            "Broken",
            "Golden",
            "Forgotten",
            "Distant",
            "Burning",
            "Quiet",
            "Secret",
            "Winter",
            "Lost",
            "Crimson",
            "Endless",
            "Wild",
        ),
        "nouns": (
            "Garden",
            "River",
            "House",
            "Map",
            "Letter",
            "Harbour",
            "Orchard",
            "Kingdom",
            "Mirror",
            "Lighthouse",
            "Promise",
            "Archive",
            "Island",
            "Season",
            "Road",
        ),
        "patterns": (
            "The {adj} {noun}",
            "A {noun} of {noun2}s",
            "The {noun} at the End of the {noun2}",
            "{adj} {noun}s",
            "The {noun2}'s {noun}",
        ),
    },
    "es": {
        "adjectives": (
            "silencioso",
            "oculto",
            "último",
            "perdido",
            "dorado",
            "olvidado",
            "lejano",
            "secreto",
            "eterno",
            "salvaje",
            "callado",
            "antiguo",
            "infinito",
            "roto",
            "rojo",
        ),
        "nouns": (
            "jardín",
            "río",
            "mapa",
            "faro",
            "invierno",
            "reino",
            "espejo",
            "archivo",
            "puerto",
            "camino",
            "huerto",
            "verano",
            "silencio",
            "laberinto",
            "viaje",
        ),
        "patterns": (
            "El {noun} {adj}",
            "Crónica del {noun} {adj}",
            "El {noun} y el {noun2}",
            "Los días del {noun}",
            "Un {noun} {adj}",
        ),
    },
}
DESCRIPTIONS = {
    "en": "A {category_lower} title about {topic}, praised by readers for its {quality}.",
    "es": "Un libro de {category_lower} sobre {topic}, celebrado por los lectores por su {quality}.",
}
TOPICS = {
    "en": ("memory and family", "a city in crisis", "an unlikely friendship", "the sea", "a long journey"),
    "es": ("la memoria y la familia", "una ciudad en crisis", "una amistad improbable", "el mar", "un largo viaje"),
}
QUALITIES = {
    "en": ("vivid prose", "sharp dialogue", "careful research", "warmth", "suspense"),
    "es": ("prosa vívida", "diálogo afilado", "documentación rigurosa", "calidez", "suspense"),
}


def _price(rng: random.Random) -> Decimal:
    # Shop prices end in .95 or .99, from 6 to 45.
    return Decimal(f"{rng.randint(6, 44)}.{rng.choice(('95', '99'))}")


def _curated_record(book: CuratedBook, rng: random.Random) -> dict[str, Any]:
    return {
        **book._asdict(),
        "price": _price(rng),
        "description": "",
        "cover_image_url": f"https://covers.openlibrary.org/b/isbn/{book.isbn}-L.jpg",
        "stock_quantity": rng.randint(0, 40),
    }


def _synthetic_isbn(rng: random.Random, language: str) -> str:
    group = rng.choice(ISBN_GROUPS[language])
    first12 = "978" + group + "".join(str(rng.randint(0, 9)) for _ in range(9 - len(group)))
    return first12 + isbn13_check_digit(first12)


def _author_pool(rng: random.Random) -> list[tuple[str, str]]:
    """(name, language) of the synthetic authors; Spanish and English names."""
    authors = set()
    while len(authors) < SYNTHETIC_AUTHORS:
        language = rng.choice(("en", "es"))
        authors.add((f"{rng.choice(FIRST_NAMES[language])} {rng.choice(LAST_NAMES[language])}", language))
    return sorted(authors)


def _synthetic_record(rng: random.Random, authors: list[tuple[str, str]]) -> dict[str, Any]:
    language = rng.choices(list(LANGUAGE_WEIGHTS), weights=list(LANGUAGE_WEIGHTS.values()))[0]
    words_language = "es" if language == "es" else "en"
    author, _ = rng.choice([a for a in authors if a[1] == words_language])
    words = TITLE_WORDS[words_language]
    noun, noun2 = rng.sample(words["nouns"], 2)
    title = rng.choice(words["patterns"]).format(adj=rng.choice(words["adjectives"]), noun=noun, noun2=noun2)
    category = rng.choice(CATEGORIES)
    description = DESCRIPTIONS[words_language].format(
        category_lower=category.lower(),
        topic=rng.choice(TOPICS[words_language]),
        quality=rng.choice(QUALITIES[words_language]),
    )
    return {
        "isbn": _synthetic_isbn(rng, language),
        "title": title[:1].upper() + title[1:],
        "author": author,
        "editorial": rng.choice(PUBLISHERS[words_language]),
        "category": category,
        "language": language,
        "publication_year": rng.randint(1950, datetime.now(UTC).year),
        "pages": rng.randint(96, 900),
        "price": _price(rng),
        "description": description,
        "cover_image_url": None,
        "stock_quantity": 0 if rng.random() < 0.1 else rng.randint(1, 60),  # about 1 in 10 sold out
    }


def seed_records(*, count: int | None, seed: int) -> Iterator[dict[str, Any]]:
    """`count` book records (endless with None) with distinct ISBNs: the curated core first, then synthetic ones.

    The same seed always gives the same records, so re-running a seed finds them all
    already claimed.
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    produced = 0
    for book in CURATED_BOOKS:
        if count is not None and produced == count:
            return
        seen.add(to_isbn13(book.isbn))
        produced += 1
        yield _curated_record(book, rng)
    authors = _author_pool(rng)
    while count is None or produced < count:
        record = _synthetic_record(rng, authors)
        if to_isbn13(record["isbn"]) in seen:
            continue
        seen.add(to_isbn13(record["isbn"]))
        produced += 1
        yield record

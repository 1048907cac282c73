"""Word lists the generator draws realistic names and addresses from.

Names have a head of common names and a long tail composed of a stem and an ending, as real
populations do: two customers called Maria Schmidt in one postcode happen (the identity models must
cope with namesakes), but not as often as if everyone shared a few hundred names. With the head
alone, a million customers held namesakes in the same postcode tens of times more often than a real
customer base, and same name plus same postcode stopped being evidence.
"""

FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard "
    "Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty "
    "Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua "
    "Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald "
    "Rebecca Edward Sharon Jason Laura Jeffrey Cynthia Ryan Kathleen Jacob Amy Gary Angela "
    "Nicholas Shirley Eric Anna Jonathan Brenda Stephen Pamela Larry Emma Justin Nicole Scott "
    "Helen Brandon Samantha Benjamin Katherine Samuel Christine Gregory Debra Alexander Rachel "
    "Oliver Charlotte Harry Amelia Jack Olivia Noah Isla Leo Freya Lukas Sophie Maximilian Marie "
    "Felix Hannah Jonas Lena Paul Mia Louis Chloe Hugo Camille Arthur Manon Jules Ines Daan Julia "
    "Sem Tess Finn Sanne Lars Fleur"
).split()

LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips "
    "Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers "
    "Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson "
    "Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo "
    "Sanders Patel Myers Long Ross Foster Jimenez Mueller Schmidt Schneider Fischer Weber Meyer "
    "Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf Schroeder Neumann Schwarz Zimmermann "
    "Braun Krueger Hofmann Hartmann Lange Schmitt Werner Krause Meier Lehmann Bernard Dubois "
    "Durand Lefebvre Moreau Laurent Simon Michel Leroy Roux David Bertrand Morel Fournier Girard "
    "Bonnet Dupont Lambert Fontaine Rousseau Vincent Jansen Visser Smit Bakker Mulder Bos Vos "
    "Peters Hendriks Dekker Brouwer Dijkstra Wilkinson Fletcher Holmes Shaw Chapman Hunt Mason "
    "Palmer Gibson Lloyd Ellis Walsh Knight Dawson Burton Marshall Webb"
).split()

# Shares of people whose names come from the heads above (the rest draw from the composed tails),
# about the share the most common names hold in the US and Western Europe.
FIRST_NAME_HEAD_SHARE = 0.6
LAST_NAME_HEAD_SHARE = 0.3

# The long tails: stem + ending ("Ash" + "ford", "Mar" + "ina"); a surname may take a linking
# syllable ("Hol" + "en" + "beck"). About 1,600 given names and 21,000 surnames.
FIRST_NAME_STEMS = (
    "Al Bri Ca Da El Fe Ga Ha Is Jo Ka Le Ma Na Ro Sa Te Vi Wi Za Ar Be Cl De Ev Fl Gr Jul Kr Lu "
    "Mi No Ol Pe Ra Si Th Va Yv Ad Em Ti An Er Ce Li Mar Ser Lor Ter Dor Hen Fran Ger Ber Sel Ren"
).split()
FIRST_NAME_ENDINGS = (
    "na ra lie ton rick bel ette an o ia ius en ina ard iel ias a ine in ey is elle ian as ora ek on ie "
    "da"
).split()
LAST_NAME_STEMS = (
    "Ash Black Brook Hol Win Kel Mar Fen Thorn Hart Lind Ros Stein Berg Hamm Alder Bell Brad Carl Dal "
    "Eck Fair Gold Hil Hux Kirk Lang Mor Nor Pen Rad Sal Sher Stan Wal Wes Whit Ack Bran Cran Dun Ell "
    "Fitz Gar Hen Holt Ing Jor Kess Lan Mat Nie Ost Pol Quin Ren Sieg Tal Ulm Van Wil Yar Zell Abel "
    "Bau Dor Fal Gries Hel Kol Lor Mal Pet Rich Sand Tor Vel Wend Adl Bec Cor Dev Ems Fros Gal Hag "
    "Jans Kor Leh Mel Nord Ort Pier Rem Stro Tren Vos Weid Bor Cas Del"
).split()
LAST_NAME_LINKS = ("", "", "en", "er", "s")
LAST_NAME_ENDINGS = (
    "field ton berg mann ley wood ford sen son stein by well er ing ham hurst dale worth ridge brook "
    "wick mont ard eau ier ot elli ini etti ova ek ski ema ink horst kamp dijk veld hout bach feld hagen "
    "rath heim lund strom quist man more combe croft beck"
).split()

COMPANY_WORDS = (
    "Acme Apex Summit Pioneer Harbor Northwind Blue Ridge Silver Oak Granite Cedar Maple Aspen "
    "Evergreen Horizon Meridian Atlas Beacon Keystone Crescent Riverside Lakeside Highland "
    "Coastal Prairie Canyon Falcon Eagle Orion Vega Polaris Nova Quantum Vertex Zenith Matrix "
    "Sterling Crown Royal Liberty Union Central Western Eastern Northern Southern Pacific "
    "Atlantic Alpine Golden Iron Copper Crystal Emerald Sapphire Ruby Onyx Ivory Scarlet "
    "Bright Clear Swift Rapid Prime First United Allied Global Metro Urban Rural Heritage "
    "Legacy Vanguard Frontier Pinnacle Cornerstone Landmark Bridge Gateway Harvest Orchard "
    "Meadow Willow Birch Pine Elm Hawthorn Juniper Rowan Linden Thistle Heather Fox Otter "
    "Badger Heron Kestrel Lynx Bison Stag Wren Robin"
).split()

COMPANY_TRADES = (
    "Logistics Analytics Consulting Engineering Foods Robotics Software Systems Solutions "
    "Manufacturing Trading Textiles Pharma Energy Construction Design Media Marketing Finance "
    "Insurance Retail Wholesale Hospitality Travel Health Dental Legal Architects Farms "
    "Brewing Coffee Bakery Motors Electric Plumbing Printing Labs Networks Security Storage"
).split()

# Legal-form suffix per country: (canonical, variants a clerk might type instead).
COMPANY_SUFFIXES = {
    "US": [("Inc", ("Inc.", "Incorporated", "INC")), ("LLC", ("L.L.C.", "llc")), ("Corp", ("Corp.", "Corporation"))],
    "GB": [("Ltd", ("Ltd.", "Limited", "LTD")), ("PLC", ("plc", "Public Limited Company"))],
    "DE": [("GmbH", ("Gmbh", "G.m.b.H.", "GMBH")), ("AG", ("Aktiengesellschaft",))],
    "FR": [("SARL", ("S.A.R.L.", "Sarl")), ("SA", ("S.A.",))],
    "NL": [("BV", ("B.V.", "bv")), ("NV", ("N.V.",))],
}

STREET_NAMES = (
    "Main Oak Maple Cedar Pine Elm Washington Lake Hill Park Church High Station Mill School "
    "Bridge Victoria King Queen Green River Spring Forest Meadow Sunset Highland Valley Ridge "
    "Chestnut Walnut Willow Cherry Birch Lincoln Jefferson Franklin Madison Adams Jackson "
    "Garden Market Harbour Castle Abbey Manor Orchard Windsor York Albert Wellington Goethe "
    "Schiller Mozart Beethoven Linden Berg Wald Hafen Rosen Kirch Voltaire Pasteur Hugo Moliere "
    "Jaures Gambetta Rembrandt Vondel Prinsen Keizer Heren Singel Dorp"
).split()

# Street type per country: (canonical, abbreviations seen in the wild).
STREET_TYPES = {
    "US": [("Street", ("St", "St.")), ("Avenue", ("Ave", "Ave.")), ("Road", ("Rd", "Rd.")), ("Drive", ("Dr", "Dr."))],
    "GB": [("Street", ("St",)), ("Road", ("Rd",)), ("Lane", ("Ln",)), ("Close", ("Cl",))],
    "DE": [("strasse", ("str.", "straße")), ("weg", ("Weg",)), ("allee", ("Allee",))],
    "FR": [("Rue", ("R.",)), ("Avenue", ("Av.", "Ave")), ("Boulevard", ("Bd", "Blvd"))],
    "NL": [("straat", ("str",)), ("laan", ("ln",)), ("gracht", ("gr",))],
}

# Cities per country with a representative postcode stem.
CITIES = {
    "US": [("New York", "100"), ("Chicago", "606"), ("Houston", "770"), ("Phoenix", "850"),
           ("Philadelphia", "191"), ("San Antonio", "782"), ("San Diego", "921"), ("Dallas", "752"),
           ("Austin", "787"), ("Seattle", "981"), ("Denver", "802"), ("Boston", "021"),
           ("Atlanta", "303"), ("Miami", "331"), ("Portland", "972"), ("Minneapolis", "554")],
    "GB": [("London", "EC"), ("Manchester", "M"), ("Birmingham", "B"), ("Leeds", "LS"),
           ("Glasgow", "G"), ("Bristol", "BS"), ("Liverpool", "L"), ("Edinburgh", "EH")],
    "DE": [("Berlin", "10"), ("Hamburg", "20"), ("Muenchen", "80"), ("Koeln", "50"),
           ("Frankfurt", "60"), ("Stuttgart", "70"), ("Duesseldorf", "40"), ("Leipzig", "04")],
    "FR": [("Paris", "75"), ("Lyon", "69"), ("Marseille", "13"), ("Toulouse", "31"),
           ("Nice", "06"), ("Nantes", "44"), ("Bordeaux", "33"), ("Lille", "59")],
    "NL": [("Amsterdam", "10"), ("Rotterdam", "30"), ("Den Haag", "25"), ("Utrecht", "35"),
           ("Eindhoven", "56"), ("Groningen", "97")],
}

# A US metro area spans several three-digit ZIP prefixes; the generator spreads each city's customers
# over these (the first is the stem above), so that US postcodes are about as crowded as German ones.
US_CITY_ZIP_PREFIXES = {
    "New York": ("100", "101", "102", "103", "104", "110", "111", "112", "113", "114"),
    "Chicago": ("606", "600", "601", "602", "603", "604", "605", "607", "608"),
    "Houston": ("770", "772", "773", "774", "775", "776", "777"),
    "Phoenix": ("850", "852", "853", "855", "856", "857"),
    "Philadelphia": ("191", "190", "192", "193", "194"),
    "San Antonio": ("782", "780", "781"),
    "San Diego": ("921", "919", "920"),
    "Dallas": ("752", "750", "751", "753", "754"),
    "Austin": ("787", "786", "788", "789"),
    "Seattle": ("981", "980", "982", "983", "984"),
    "Denver": ("802", "800", "801", "803", "804", "805"),
    "Boston": ("021", "018", "019", "020", "022", "023", "024"),
    "Atlanta": ("303", "300", "301", "302", "305", "306"),
    "Miami": ("331", "330", "332", "333", "334"),
    "Portland": ("972", "970", "971", "973"),
    "Minneapolis": ("554", "550", "551", "553", "555"),
}

COUNTRY_NAMES = {
    "US": ("USA", "United States", "United States of America"),
    "GB": ("GBR", "United Kingdom", "UK"),
    "DE": ("DEU", "Germany", "Deutschland"),
    "FR": ("FRA", "France", "République française"),
    "NL": ("NLD", "Netherlands", "Nederland"),
}

CALLING_CODES = {"US": "1", "GB": "44", "DE": "49", "FR": "33", "NL": "31"}
CURRENCIES = {"US": "USD", "GB": "GBP", "DE": "EUR", "FR": "EUR", "NL": "EUR"}
# Units of local currency per US dollar, used only to make invoice amounts look local.
USD_TO_LOCAL = {"USD": 1.0, "GBP": 0.79, "EUR": 0.92}

FREE_MAIL_DOMAINS = (
    "gmail.com yahoo.com outlook.com hotmail.com icloud.com aol.com gmx.de web.de orange.fr "
    "free.fr ziggo.nl btinternet.com"
).split()

# Junk a real CRM accumulates: shared mailboxes and placeholders typed to get past a required field.
PLACEHOLDER_EMAILS = (
    "noemail@example.com none@none.com info@gmail.com test@test.com na@na.com "
    "accounts@outlook.com noreply@noreply.com"
).split()
PLACEHOLDER_PHONES = ("0000000000", "1234567890", "5555555555", "+1 000 000 0000", "999-999-9999")

INDUSTRIES = (
    "Manufacturing|Retail trade|Wholesale trade|Professional services|Information technology|"
    "Health care|Construction|Transportation|Finance and insurance|Hospitality|Education|Energy"
).split("|")

PRODUCT_LINES = ("hardware", "software", "services", "consumables", "training")
SUPPORT_CATEGORIES = ("billing", "technical", "account", "delivery", "other")
SUPPORT_CHANNELS = ("email", "phone", "chat", "portal")

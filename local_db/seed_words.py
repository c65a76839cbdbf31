"""Word lists for the synthetic store: brands, adjectives, departments with their groups and
nouns, sizes and colours. Real-looking words make prefix search behave as in a real shop."""

from __future__ import annotations

BRANDS = (
    "Alpenhof",
    "Bergmann",
    "Nordkap",
    "Sunfield",
    "Green Valley",
    "Kaiserkrone",
    "Blue Harbor",
    "Oakridge",
    "Mühlental",
    "Fjordland",
    "Casa Bella",
    "Golden Acre",
    "Hofgut",
    "Lindenberg",
    "Meadowbrook",
    "Riverside",
    "Stonebridge",
    "Waldquelle",
    "Rosenthal",
    "Silver Birch",
    "Heidekraut",
    "Maple Lane",
    "Seeblick",
    "Brightwater",
    "Eichwald",
    "Highland Farm",
    "Sonnenhang",
    "Cedar Point",
    "Feldmark",
    "Harborview",
    "Kornblume",
    "Lakeshore",
    "Moorland",
    "Northwind",
    "Obstgarten",
    "Pinecrest",
    "Quellgrund",
    "Redwood",
    "Sandbach",
    "Tannenhof",
    "Ulmenhain",
    "Vineyard Hill",
    "Weidenau",
    "Yellowstone",
    "Zugspitz",
    "Arctic Bay",
    "Bäckerei Sommer",
    "Crème Royale",
    "Dorfkrug",
    "Elbtal",
    "Frischeparadies",
    "Gutshof",
    "Hanse",
    "Inselgold",
    "Jägerhof",
    "Küstenperle",
    "Löwenzahn",
    "Marktplatz",
    "Nordsee",
    "Ostwind",
)

ADJECTIVES = (
    "Organic",
    "Classic",
    "Premium",
    "Fresh",
    "Smoked",
    "Crunchy",
    "Spicy",
    "Light",
    "Whole",
    "Roasted",
    "Sweet",
    "Salted",
    "Creamy",
    "Dark",
    "Mild",
    "Extra",
    "Wild",
    "Natural",
    "Rustic",
    "Golden",
    "Crispy",
    "Tender",
    "Zesty",
    "Hearty",
    "Vegan",
    "Gluten-free",
    "Homestyle",
    "Traditional",
    "Artisan",
    "Rich",
    "Delicate",
    "Bold",
    "Smooth",
    "Tangy",
    "Savory",
    "Pure",
    "Soft",
    "Ultra",
    "Compact",
    "Deluxe",
    "Everyday",
    "Family",
    "Mini",
    "Large",
    "Double",
    "Original",
    "Select",
    "Gourmet",
    "Farmhouse",
    "Nordic",
    "Alpine",
    "Mediterranean",
    "Bavarian",
    "Italian",
    "French",
    "Swiss",
    "Rapid",
    "Gentle",
    "Sensitive",
    "Fruity",
)

# department -> group -> nouns. Three levels of categories are built from this:
# department / group / subgroup (group + qualifier).
DEPARTMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "Bakery": {
        "Bread": ("Sourdough Bread", "Rye Bread", "Baguette", "Ciabatta", "Toast Bread"),
        "Rolls": ("Pretzel Rolls", "Bread Rolls", "Croissants", "Bagels", "Brioche"),
        "Cakes": ("Apple Pie", "Cheesecake", "Muffins", "Marble Cake", "Donuts"),
        "Biscuits": ("Butter Biscuits", "Oat Cookies", "Shortbread", "Crackers", "Wafers"),
    },
    "Dairy": {
        "Milk": ("Whole Milk", "Oat Drink", "Buttermilk", "Chocolate Milk", "Lactose-free Milk"),
        "Cheese": ("Gouda", "Emmental", "Camembert", "Mozzarella", "Cheddar", "Feta"),
        "Yoghurt": ("Greek Yoghurt", "Fruit Yoghurt", "Skyr", "Quark", "Kefir"),
        "Butter & Eggs": ("Butter", "Free-range Eggs", "Margarine", "Cream", "Sour Cream"),
    },
    "Produce": {
        "Fruit": ("Apples", "Pears", "Grapes", "Oranges", "Plums", "Cherries", "Kiwis"),
        "Vegetables": ("Tomatoes", "Carrots", "Potatoes", "Onions", "Peppers", "Courgettes"),
        "Salad": ("Iceberg Lettuce", "Rocket", "Spinach", "Lamb's Lettuce", "Cucumber"),
        "Herbs": ("Basil", "Parsley", "Chives", "Mint", "Coriander"),
    },
    "Meat & Fish": {
        "Poultry": ("Chicken Breast", "Turkey Slices", "Chicken Wings", "Duck Legs"),
        "Beef & Pork": ("Minced Beef", "Pork Chops", "Beef Steak", "Bratwurst", "Ham"),
        "Fish": ("Salmon Fillet", "Smoked Trout", "Herring", "Cod Fillet", "Prawns"),
        "Deli": ("Salami", "Liver Sausage", "Pastrami", "Chorizo", "Prosciutto"),
    },
    "Pantry": {
        "Pasta & Rice": ("Spaghetti", "Penne", "Basmati Rice", "Risotto Rice", "Lasagne Sheets"),
        "Sauces": ("Tomato Sauce", "Pesto", "Mustard", "Ketchup", "Mayonnaise", "Soy Sauce"),
        "Coffee & Tea": ("Espresso Beans", "Ground Coffee", "Green Tea", "Black Tea", "Cocoa"),
        "Breakfast": ("Muesli", "Cornflakes", "Porridge Oats", "Honey", "Jam", "Nut Spread"),
        "Baking": ("Wheat Flour", "Sugar", "Baking Powder", "Vanilla Sugar", "Yeast"),
    },
    "Beverages": {
        "Water": ("Sparkling Water", "Still Water", "Mineral Water", "Flavoured Water"),
        "Soft Drinks": ("Cola", "Lemonade", "Apple Spritzer", "Ginger Ale", "Iced Tea"),
        "Juice": ("Orange Juice", "Apple Juice", "Multivitamin Juice", "Tomato Juice"),
        "Beer & Wine": ("Pilsner", "Wheat Beer", "Red Wine", "White Wine", "Rosé Wine"),
        "Spirits": ("Whisky", "Gin", "Vodka", "Rum", "Herbal Liqueur"),
    },
    "Snacks & Sweets": {
        "Chocolate": ("Milk Chocolate", "Dark Chocolate", "Pralines", "Chocolate Bar"),
        "Crisps": ("Potato Crisps", "Tortilla Chips", "Pretzel Sticks", "Popcorn"),
        "Sweets": ("Gummy Bears", "Liquorice", "Mints", "Fruit Gums", "Marshmallows"),
        "Nuts": ("Salted Peanuts", "Cashews", "Almonds", "Trail Mix", "Pistachios"),
    },
    "Household": {
        "Cleaning": ("Dish Soap", "Glass Cleaner", "Sponges", "Bin Bags", "Kitchen Roll"),
        "Laundry": ("Laundry Detergent", "Fabric Softener", "Stain Remover", "Laundry Pods"),
        "Kitchen": ("Kitchen Knife", "Cutting Board", "Frying Pan", "Saucepan", "Whisk"),
        "Paper": ("Toilet Paper", "Tissues", "Napkins", "Baking Paper", "Aluminium Foil"),
    },
    "Personal Care": {
        "Hair": ("Shampoo", "Conditioner", "Hair Gel", "Hair Spray", "Dry Shampoo"),
        "Body": ("Shower Gel", "Body Lotion", "Soap Bar", "Deodorant", "Hand Cream"),
        "Dental": ("Toothpaste", "Toothbrush", "Mouthwash", "Dental Floss"),
        "Health": ("Plasters", "Vitamin C Tablets", "Sun Cream", "Lip Balm", "Cough Drops"),
    },
    "Clothing": {
        "Tops": ("T-Shirt", "Polo Shirt", "Hoodie", "Sweater", "Blouse", "Cardigan"),
        "Bottoms": ("Jeans", "Chinos", "Shorts", "Leggings", "Skirt", "Joggers"),
        "Accessories": ("Socks", "Beanie", "Scarf", "Gloves", "Cap", "Belt"),
        "Footwear": ("Sneakers", "Slippers", "Rain Boots", "Sandals", "Hiking Boots"),
    },
    "Electronics": {
        "Audio": ("Headphones", "Bluetooth Speaker", "Earbuds", "Radio"),
        "Power": ("AA Batteries", "Power Bank", "USB Charger", "Extension Lead"),
        "Computing": ("USB Stick", "Wireless Mouse", "Keyboard", "HDMI Cable", "Webcam"),
        "Lighting": ("LED Bulb", "Torch", "Desk Lamp", "Fairy Lights", "Night Light"),
    },
}

QUALIFIERS = ("Classics", "Specialities", "Organic", "Value")

FOOD_SIZES = ("100g", "150g", "200g", "250g", "400g", "500g", "750g", "1kg")
DRINK_SIZES = ("0.33l", "0.5l", "0.75l", "1l", "1.5l")
ITEM_SIZES = ("", "", "Pack of 2", "Pack of 4", "Set of 3", "XL")

APPAREL_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
COLOURS = ("Black", "White", "Navy", "Grey", "Red", "Green", "Blue", "Beige", "Olive", "Pink")
STYLES = ("Regular", "Slim", "Relaxed")

PHRASES = (
    "Ideal for everyday use.",
    "Made with care in small batches.",
    "A favourite of our staff.",
    "Sourced from trusted partners.",
    "Great value for families.",
    "Carefully selected quality.",
    "Perfect for sharing.",
    "Store in a cool, dry place.",
    "Recyclable packaging.",
    "Locally produced where possible.",
    "Try it with friends.",
    "A timeless classic.",
    "New improved recipe.",
    "Certified sustainable.",
    "Best enjoyed fresh.",
)

# departments whose items are weighed, age restricted, serial numbered or come in variants
WEIGHED_GROUPS = frozenset({"Fruit", "Vegetables", "Cheese", "Beef & Pork", "Fish", "Deli"})
AGE_GROUPS = frozenset({"Beer & Wine", "Spirits"})
SERIAL_DEPARTMENTS = frozenset({"Electronics"})
VARIANT_DEPARTMENTS = frozenset({"Clothing"})
DRINK_DEPARTMENTS = frozenset({"Beverages"})
FOOD_DEPARTMENTS = frozenset(
    {
        "Bakery",
        "Dairy",
        "Produce",
        "Meat & Fish",
        "Pantry",
        "Snacks & Sweets",
    }
)
REDUCED_TAX_DEPARTMENTS = FOOD_DEPARTMENTS

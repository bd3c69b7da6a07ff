// Fixed word lists; rows combine them so the generator needs no external data.
// The list order is part of the output: editing a list changes every dataset.

const split = (words: string): readonly string[] => words.trim().split(/\s*\|\s*/);

export const LANGUAGES = split('English|Italian|Japanese|Mandarin|French|German');

export const CATEGORIES = split(`Action|Animation|Children|Classics|Comedy|Documentary|Drama|Family|
  Foreign|Games|Horror|Music|New|Sci-Fi|Sports|Travel`);

export const COUNTRIES = split(`Afghanistan|Algeria|American Samoa|Angola|Anguilla|Argentina|Armenia|
  Australia|Austria|Azerbaijan|Bahrain|Bangladesh|Belarus|Bolivia|Brazil|Brunei|Bulgaria|Cambodia|
  Cameroon|Canada|Chad|Chile|China|Colombia|Congo, The Democratic Republic of the|Czech Republic|
  Dominican Republic|Ecuador|Egypt|Estonia|Ethiopia|Faroe Islands|Finland|France|French Guiana|
  French Polynesia|Gambia|Germany|Greece|Greenland|Holy See (Vatican City State)|Hong Kong|Hungary|
  India|Indonesia|Iran|Iraq|Israel|Italy|Japan|Kazakstan|Kenya|Kuwait|Latvia|Liechtenstein|Lithuania|
  Madagascar|Malawi|Malaysia|Mexico|Moldova|Morocco|Mozambique|Myanmar|Nauru|Nepal|Netherlands|
  New Zealand|Nigeria|North Korea|Oman|Pakistan|Paraguay|Peru|Philippines|Poland|Puerto Rico|Romania|
  Runion|Russian Federation|Saint Vincent and the Grenadines|Saudi Arabia|Senegal|Slovakia|
  South Africa|South Korea|Spain|Sri Lanka|Sudan|Sweden|Switzerland|Taiwan|Tanzania|Thailand|Tonga|
  Tunisia|Turkey|Turkmenistan|Tuvalu|Ukraine|United Arab Emirates|United Kingdom|United States|
  Venezuela|Vietnam|Virgin Islands, U.S.|Yemen|Yugoslavia|Zambia`);

export const FIRST_NAMES = split(`Mary|Patricia|Linda|Barbara|Elizabeth|Jennifer|Maria|Susan|Margaret|
  Dorothy|Lisa|Nancy|Karen|Betty|Helen|Sandra|Donna|Carol|Ruth|Sharon|Michelle|Laura|Sarah|Kimberly|
  Deborah|Jessica|Shirley|Cynthia|Angela|Melissa|Brenda|Amy|Anna|Rebecca|Virginia|Kathleen|Pamela|
  Martha|Debra|Amanda|Stephanie|Carolyn|Christine|Marie|Janet|Catherine|Frances|Ann|Joyce|Diane|
  James|John|Robert|Michael|William|David|Richard|Charles|Joseph|Thomas|Christopher|Daniel|Paul|Mark|
  Donald|George|Kenneth|Steven|Edward|Brian|Ronald|Anthony|Kevin|Jason|Matthew|Gary|Timothy|Jose|
  Larry|Jeffrey|Frank|Scott|Eric|Stephen|Andrew|Raymond|Gregory|Joshua|Jerry|Dennis|Walter|Patrick|
  Peter|Harold|Douglas|Henry|Carl|Arthur|Ryan|Roger|Jared|Penelope|Nick|Ed|Julia|Johnny|Bette|
  Grace|Sean|Joe|Christian|Zero|Karl|Uma|Vivien|Cuba|Fred|Meg|Dan|Bob|Lucille|Kirsten|Elvis`);

export const LAST_NAMES = split(`Smith|Johnson|Williams|Jones|Brown|Davis|Miller|Wilson|Moore|Taylor|
  Anderson|Thomas|Jackson|White|Harris|Martin|Thompson|Garcia|Martinez|Robinson|Clark|Rodriguez|Lewis|
  Lee|Walker|Hall|Allen|Young|Hernandez|King|Wright|Lopez|Hill|Scott|Green|Adams|Baker|Gonzalez|
  Nelson|Carter|Mitchell|Perez|Roberts|Turner|Phillips|Campbell|Parker|Evans|Edwards|Collins|Stewart|
  Sanchez|Morris|Rogers|Reed|Cook|Morgan|Bell|Murphy|Bailey|Rivera|Cooper|Richardson|Cox|Howard|Ward|
  Torres|Peterson|Gray|Ramirez|James|Watson|Brooks|Kelly|Sanders|Price|Bennett|Wood|Barnes|Ross|
  Henderson|Coleman|Jenkins|Perry|Powell|Long|Patterson|Hughes|Flores|Washington|Butler|Simmons|
  Foster|Gonzales|Bryant|Alexander|Russell|Griffin|Diaz|Hayes|Ely|Guiness|Wahlberg|Chase|Neeson|
  Lollobrigida|Nicholson|Mostel|Johansson|Gable|Cage|Berry|Hackman|Bergen|Olivier|Costner|Voight|Torn|
  Fawcett|Tracy|Jackman|Monroe|Dee|Hopkins|Degeneres|Dench|Hoffman|Kilmer|Streep|Bloom|Crawford`);

export const STAFF_FIRST_NAMES = split('Mike|Jon|Hillary|Oscar|Ines|Rafael|Mei|Tomas|Greta|Sunil');
export const STAFF_LAST_NAMES = split('Hillyer|Stephens|Okafor|Lindqvist|Moreau|Tanaka|Novak|Silva');

export const TITLE_FIRST = split(`Academy|Ace|Adaptation|Affair|African|Agent|Airplane|Airport|Alabama|
  Aladdin|Alamo|Alaska|Alice|Alien|Alley|Alone|Amadeus|Amelie|American|Anaconda|Angels|Annie|Anthem|
  Apache|Apocalypse|Arabia|Arizona|Armageddon|Army|Arsenic|Artist|Attacks|Attraction|Autumn|Baby|
  Backlash|Badman|Ballroom|Bang|Barbarella|Bear|Beast|Bedazzled|Beethoven|Berets|Betrayed|Beverly|
  Bikini|Bilko|Birch|Bird|Blade|Blanket|Blindness|Blood|Blues|Boogie|Boondock|Borrowers|Bound|Bowfinger|
  Brannigan|Brave|Breakfast|Bride|Bringing|Brotherhood|Bubble|Bucket|Bugsy|Bull|Bunch|Butch|Cabin|
  Caddyshack|California|Camelot|Canyon|Capricorn|Caribbean|Carol|Casablanca|Casper|Cat|Celebrity|
  Center|Chainsaw|Chamber|Chaplin|Charade|Chariots|Chicago|Chill|Chinatown|Christmas|Cider|Circus|
  Citizen|Clerks|Clockwork|Closer|Clue|Coast|Coma|Comforts|Confidential|Cowboy|Cranes|Creatures`);

export const TITLE_SECOND = split(`Dinosaur|Goldfinger|Sugar|Prejudice|Egg|Truman|Sierra|Pollock|Patient|
  Police|Secretary|Exorcist|Fantasia|Clockwork|Hunchback|Hollow|Italian|Wonderful|Trip|Wars|Raiders|
  Breakfast|Divorce|Harry|Duck|Ghost|Lambs|Feud|Fever|Hurricane|Heaven|Flash|Gump|Bride|Shrunk|Saints|
  Arizona|Rings|Cure|Chicken|Maker|Hook|Window|Story|Rules|Crossing|Dragon|Paradise|Intentions|
  Knock|Gentlemen|Express|Maltese|Tomatoes|Wisdom|Spirit|Fury|Voyage|Detective|Legend|Heartbreakers|
  Kwai|Graffiti|Encounters|Freaky|Tramp|Opus|Roman|Notorious|Racer|Crazy|Mummy|Salute|Gladiator|
  Reef|Splash|Requiem|Stranger|Magnolia|Outlaw|Galaxy|Mission|Mermaid|Horizon|Panther|Lady|Wedding`);

export const DESC_ADJECTIVES = split(`Epic|Fateful|Astounding|Fanciful|Fast-Paced|Intrepid|Touching|
  Thoughtful|Emotional|Insightful|Lacklusture|Beautiful|Amazing|Awe-Inspiring|Boring|Brilliant|
  Taut|Unbelieveable|Stunning|Action-Packed`);

export const DESC_GENRES = split(`Drama|Tale|Epistle|Reflection|Documentary|Panorama|Saga|Yarn|Story|
  Display|Character Study|Fable|Shark Tank|Montage`);

export const DESC_PERSONS = split(`Moose|Husband|Cat|Explorer|Girl|Lumberjack|Feminist|Student|
  Mad Scientist|Teacher|Database Administrator|Car|Frisbee|Monkey|Pastry Chef|Dentist|
  Forensic Psychologist|Robot|Boy|Sumo Wrestler|Hunter|Butler|Woman|Man|Crocodile|Squirrel|Composer|
  Technical Writer|Astronaut|Pioneer|Waitress|Secret Agent|Shark|Dog|Madman`);

export const DESC_VERBS = split(`Overcome|Redeem|Confront|Conquer|Battle|Find|Sink|Chase|Pursue|Escape|
  Discover|Outgun|Defeat|Kill|Meet|Face|Outrace|Succumb|Vanquish|Reach|Build|Fight|Challenge|Outwit`);

export const DESC_PLACES = split(`Nigeria|Australia|Ancient India|A Jet Boat|The Canadian Rockies|
  Ancient China|A Baloon Factory|A Shark Tank|The Gulf of Mexico|A Manhattan Penthouse|Soviet Georgia|
  Berlin|The Outback|A MySQL Convention|The First Manned Space Station|An Abandoned Fun House|A U-Boat|
  A Monastery|The Sahara Desert|A Car|An Abandoned Mine Shaft|A Baloon|A Lumberjack Camp`);

export const CITY_STARTS = split(`Ash|Bel|Cor|Dun|El|Fair|Glen|Hal|Iver|Jas|Kings|Lin|Mar|New|Oak|Port|
  Quin|Ros|San|Tor|Val|West|Yar|Zan|Bra|Cas|Del|Es|Gra|Ham|Kal|Lu|Mon|Nor|Pal|Ri|Sol|Ter|Vi|Wil`);

export const CITY_ENDS = split(`ford|ton|burg|ville|mouth|field|haven|stad|pur|abad|grad|polis|dale|
  wick|more|ham|port|sk|ria|nes|bridge|cester|hurst|chester|minster|land|ago|ona|ena|ara`);

export const STREET_NAMES = split(`Hanoi|Loja|MySakila|MySQL|Workhaven|Lillydale|Abha|Tokat|Pathankot|
  Nagasaki|Kabul|Oslo|Lima|Hamilton|Bergamo|Varanasi|Baku|Dakar|Tanza|Sucre|Cuma|Zanzibar|Kolpino|
  Yerevan|Masqat|Ife|Osmaniye|Kumbakonam|Yamuna|Tafuna|Greenwich|Sunnyvale|Lakeview|Maple|Cedar`);

export const STREET_SUFFIXES = split('Way|Avenue|Street|Drive|Boulevard|Lane|Loop|Manor|Parkway|Place|Road');

export const DISTRICTS = split(`Alberta|QLD|Nagasaki|California|Antofagasta|Attika|Bihar|Chiba|
  Dhaka|England|Galicia|Haryana|Henan|Kaduna|Kanagawa|Khartum|Lipetsk|Mandalay|Mekka|Moskova|Nantou|
  Okayama|Piemonte|Sind|Taipei|Tatarstan|Texas|Uttar Pradesh|West Bengali|Yamaguchi|Buenos Aires|
  Ontario|Sao Paulo|Punjab|Shandong|Gujarat|Jalisco|Java|Hubei|Maharashtra|Guangdong|Zhejiang`);

export const SPECIAL_FEATURES = split('Trailers|Commentaries|Deleted Scenes|Behind the Scenes');

export const RATINGS = split('G|PG|PG-13|R|NC-17');

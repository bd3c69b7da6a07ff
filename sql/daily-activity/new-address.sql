-- A new customer's address: a new street number on an existing street, in an existing address's city and
-- district. $1 place pick, $2 street pick (uint32), $3 street number, $4 postal code, $5 phone
with ranked as (
  select address, district, city_id, row_number() over (order by address_id) - 1 as rank, count(*) over () as n
  from address
)
insert into address (address, address2, district, city_id, postal_code, phone)
select left($3::text || ' ' || regexp_replace(street.address, '^[0-9]+ *', ''), 50), '', place.district,
       place.city_id, $4, $5
from ranked place, ranked street
where place.rank = ($1::bigint * place.n) >> 32
  and street.rank = ($2::bigint * street.n) >> 32
returning address_id

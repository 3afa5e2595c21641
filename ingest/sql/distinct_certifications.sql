-- Every distinct certification list as written, classified once each.
select distinct reviewer_certifications as certifications from letters
